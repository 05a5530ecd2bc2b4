import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** An inclusive range, used for worker ports and match player counts. */
export class PortRangeDto {
  @ApiProperty({ minimum: 1, maximum: 65535, example: 7000 })
  @IsInt()
  @Min(1)
  @Max(65535)
  min: number;

  @ApiProperty({ minimum: 1, maximum: 65535, example: 7099 })
  @IsInt()
  @Min(1)
  @Max(65535)
  max: number;
}
