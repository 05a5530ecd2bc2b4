import { ApiProperty } from '@nestjs/swagger';

/** Response of the DELETE endpoints of workers, servers and instances. */
export class DeletedDto {
  @ApiProperty({ example: 200 }) code: number;
  @ApiProperty({ example: true }) deleted: boolean;
  @ApiProperty({ format: 'uuid' }) id: string;
}
