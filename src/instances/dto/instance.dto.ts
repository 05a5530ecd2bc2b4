import { ApiProperty } from '@nestjs/swagger';

export const INSTANCE_STATES = ['scheduled', 'starting', 'ready', 'allocated', 'stopping', 'stopped', 'failed'] as const;

export class InstanceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'Server name', example: 'arena' }) server: string;
  @ApiProperty({ description: 'Worker name', example: 'local' }) worker: string;
  @ApiProperty({ type: String, nullable: true, example: 'ranked-battle-royale' }) mode: string | null;
  @ApiProperty({ description: 'Address game clients connect to', example: '127.0.0.1' }) host: string;
  @ApiProperty({ example: 7000 }) port: number;
  @ApiProperty({ enum: INSTANCE_STATES, example: 'ready' }) state: string;
  @ApiProperty({ type: [String], description: 'Subs of the players allocated to it', example: [] }) players: string[];
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed or stopped', example: null }) reason: string | null;
  @ApiProperty({ type: Number, nullable: true, example: null }) exit_code: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) ready_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) ended_at: string | null;
}
